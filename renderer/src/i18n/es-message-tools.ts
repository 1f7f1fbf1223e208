import type { enMessageTools } from './en-message-tools.ts';

type Widen<T> = { readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** Spanish strings for the attachment viewer and the message actions. */
export const esMessageTools: Widen<typeof enMessageTools> = {
  attachment: {
    open: 'Abrir',
    save: 'Guardar',
    saving: 'Guardando…',
    saved: 'Guardado.',
    openLabel: 'Abrir {{name}}',
    saveLabel: 'Guardar {{name}}',
    thumbnailAlt: 'Imagen: {{name}}',
    saveOnly: 'Este tipo de archivo no se puede mostrar aquí; guárdelo para abrirlo.',
    dropHere: 'Suelte un archivo para adjuntarlo',
    dropOne: 'Suelte un solo archivo cada vez.',
  },
  viewer: {
    label: 'Visor de archivos',
    close: 'Cerrar',
    loading: 'Abriendo el archivo…',
    page: 'Página {{page}} de {{count}}',
    pdfFailed: 'No se pudo mostrar este PDF. Guárdelo para abrirlo en otro programa.',
    safeNote: 'Se muestra sin enlaces, formularios ni scripts.',
  },
  messageActions: {
    label: 'Acciones del mensaje',
    reply: 'Responder',
    copy: 'Copiar',
    forward: 'Reenviar',
    forwardTo: 'Reenviar a (dirección de un colega o sala)',
    forwarded: 'Reenviado.',
    edit: 'Editar',
    editLabel: 'Edite su mensaje',
    save: 'Guardar',
    cancel: 'Cancelar',
    recall: 'Retirar',
    recallConfirm: '¿Retirar este mensaje para todos?',
    copied: 'Copiado. El portapapeles se vacía en {{seconds}} segundos.',
    replyingTo: 'Respondiendo a',
    cancelReply: 'Cancelar respuesta',
    quoted: 'Mensaje citado',
  },
  inboxActions: {
    label: 'Acciones para {{name}}',
    pin: 'Fijar arriba',
    unpin: 'Dejar de fijar',
    mute: 'Silenciar avisos',
    unmute: 'Activar avisos',
    markUnread: 'Marcar como no leído',
    pinned: 'Fijada',
    muted: 'Silenciada',
  },
  failure: {
    no_such_recipient: 'No entregado: esta dirección no existe en el servidor de su organización. Revise la dirección.',
    refused: 'No entregado: el servidor rechazó este mensaje.',
    too_large: 'No entregado: el mensaje es demasiado grande para el servidor.',
    server_error: 'No entregado: el servidor informó de un error.',
  },
};
