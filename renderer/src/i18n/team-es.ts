import type { teamEn } from './team-en.ts';

type Widen<T> = { readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** Spanish for team-en.ts (same keys; the type check enforces it). */
export const teamEs: Widen<typeof teamEn> = {
  rooms: {
    heading: 'Salas',
    chatsHeading: 'Chats',
    newRoom: 'Nueva sala',
    empty: 'Aún no hay salas.',
    createHeading: 'Nueva sala de equipo',
    createIntro: 'Una sala es una conversación para un equipo. Solo la pueden leer los compañeros que usted invite.',
    name: 'Nombre de la sala',
    nameHint: 'Por ejemplo «Recepción» o «Enfermería planta 3».',
    nameMissing: 'Dé un nombre a la sala.',
    invite: 'Invitar a compañeros',
    filter: 'Filtrar compañeros',
    noPeople: 'Aún no hay compañeros en el directorio. Puede invitar a personas después de crear la sala.',
    chosen_one: '{{count}} compañero elegido',
    chosen_other: '{{count}} compañeros elegidos',
    create: 'Crear sala',
    creating: 'Creando la sala…',
    members: 'Miembros',
    membersCount_one: '{{count}} miembro',
    membersCount_other: '{{count}} miembros',
    you: 'usted',
    owner: 'Propietario',
    here: 'Presente',
    away: 'Ausente',
    remove: 'Quitar',
    removeLabel: 'Quitar a {{name}} de la sala',
    inviteOne: 'Invitar a un compañero',
    choose: 'Elija un compañero',
    inviteButton: 'Invitar',
    leave: 'Salir de la sala',
    leaveConfirm: '¿Salir de esta sala? Dejará de estar en su lista; un propietario puede volver a invitarle.',
    leaveYes: 'Salir',
    cancel: 'Cancelar',
    loadingMembers: 'Cargando miembros…',
  },
};
