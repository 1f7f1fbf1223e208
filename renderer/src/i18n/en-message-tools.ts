/** English strings for the attachment viewer and the message actions (kept apart so en.ts stays small). */
export const enMessageTools = {
  attachment: {
    open: 'Open',
    save: 'Save',
    saving: 'Saving…',
    saved: 'Saved.',
    openLabel: 'Open {{name}}',
    saveLabel: 'Save {{name}}',
    thumbnailAlt: 'Picture: {{name}}',
    saveOnly: 'This kind of file cannot be shown here; save it to open it.',
    dropHere: 'Drop a file to attach it',
    dropOne: 'Drop one file at a time.',
  },
  viewer: {
    label: 'File viewer',
    close: 'Close',
    loading: 'Opening the file…',
    page: 'Page {{page}} of {{count}}',
    pdfFailed: 'This PDF could not be shown. Save it to open it elsewhere.',
    safeNote: 'Shown without links, forms or scripts.',
  },
} as const;
