import { contextBridge, ipcRenderer } from 'electron';
import { createExposedApi, type PreloadTable } from './api.ts';

// Replaced at build time with preloadTable() (see build/bundle-electron.ts). Sandboxed preloads may
// only require 'electron', so this file is bundled into one self-contained script.
declare const SEALWIRE_PRELOAD_TABLE: PreloadTable;

contextBridge.exposeInMainWorld(SEALWIRE_PRELOAD_TABLE.apiKey, createExposedApi(ipcRenderer, SEALWIRE_PRELOAD_TABLE));
