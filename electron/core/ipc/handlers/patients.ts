import type { patientsMethods } from '../../../../shared/contract/patients.ts';
import { CoreError } from '../../errors.ts';
import type { PatientService } from '../../patients/service.ts';
import { deleteTemplate, listTemplates, saveTemplate } from '../../patients/templates.ts';
import type { Store } from '../../store/store.ts';
import type { HandlersFor } from '../dispatcher.ts';

export interface PatientsHandlerDeps {
  /** The signed-in staff member's patient service, or null while messaging does not run. */
  current(): PatientService | null;
  requireStore(): Store;
  /** The organisation's templates from policy (`patientTemplates`), null for the built-in ones. */
  organisationTemplates(): readonly string[] | null;
}

/** patients.*: the team's patient conversations through the patient gateway, and message templates. */
export function patientsHandlers(deps: PatientsHandlerDeps): HandlersFor<typeof patientsMethods> {
  const need = () => {
    const service = deps.current();
    if (service === null) throw new CoreError('network', 'Patient messaging needs a connection to the server.');
    return service;
  };
  return {
    'patients.list': async (req) => ({ conversations: await need().list(req.status) }),
    'patients.create': async (req) => ({
      conversation: await need().create({
        name: req.name,
        phone: req.phone,
        email: req.email,
        dateOfBirth: req.dateOfBirth,
        consentMethod: req.consentMethod,
        channel: req.channel,
        language: req.language,
        firstMessage: req.firstMessage,
      }),
    }),
    'patients.thread': (req) => need().thread(req.conversationId),
    'patients.send': async (req) => ({ entry: await need().send(req.conversationId, req.body, req.note) }),
    'patients.assign': async (req) => ({ conversation: await need().assign(req.conversationId, req.assignee) }),
    'patients.setStatus': async (req) => ({ conversation: await need().setStatus(req.conversationId, req.status) }),
    'patients.resendLink': async (req) => ({ conversation: await need().resendLink(req.conversationId) }),
    'patients.templates': () => ({ templates: listTemplates(deps.requireStore(), deps.organisationTemplates()) }),
    'patients.saveTemplate': (req) => ({ template: saveTemplate(deps.requireStore(), req) }),
    'patients.deleteTemplate': (req) => {
      deleteTemplate(deps.requireStore(), req.id);
      return {};
    },
  };
}
