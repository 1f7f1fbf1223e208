import { patientGatewayAddress } from '../../../shared/contract/patient-gateway.ts';
import type { ActiveMessaging } from '../account/messaging-lifecycle.ts';
import type { Logger } from '../log/logger.ts';
import { engineTransport } from './engine-transport.ts';
import { PatientService, type PatientServiceEvents } from './service.ts';

/**
 * One patient service per running messaging session: made when first needed (or when messaging
 * starts), dropped with it. On start it lists the open conversations once, which joins their
 * rooms, so a patient's reply is announced even before anyone opens the Patients section.
 */
export function createPatientsLifecycle(deps: { current: () => ActiveMessaging | null; account: () => string | null; events: PatientServiceEvents; log: Logger }) {
  let owner: ActiveMessaging | null = null;
  let service: PatientService | null = null;
  let dispose: (() => void) | null = null;

  const current = (): PatientService | null => {
    const active = deps.current();
    if (active !== owner) {
      dispose?.();
      owner = active;
      service = null;
      dispose = null;
      const me = deps.account();
      if (active !== null && me !== null) {
        const domain = me.split('@')[1] ?? '';
        const transport = engineTransport({ engine: active.messaging.engine, store: active.store, me, gateway: patientGatewayAddress(domain), nick: me.split('@')[0] ?? me });
        const made = new PatientService(transport, deps.events);
        service = made;
        dispose = () => {
          made.dispose();
          transport.dispose();
        };
      }
    }
    return service;
  };

  return {
    current,
    /** Without starting a service: is this local conversation a patient room it knows? */
    isPatientConversation: (localId: number): boolean => service?.isPatientConversation(localId) ?? false,
    /** Messaging (re)started: join the open conversations' rooms in the background. */
    warmUp(): void {
      current()
        ?.list('open')
        .catch((err: unknown) => deps.log.info('patients.warm_up_failed', { error: err }));
    },
  };
}
