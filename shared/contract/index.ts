import type { z } from 'zod';
import { conversationsEvents, conversationsMethods } from './conversations.ts';
import type { MethodSpec } from './define.ts';
import { messagingEvents, messagingMethods } from './messaging.ts';
import { accountEvents, accountMethods } from './account.ts';
import { policyEvents, policyMethods } from './policy.ts';
import { profilesEvents, profilesMethods } from './profiles.ts';
import { sessionEvents, sessionMethods } from './session.ts';
import { systemEvents, systemMethods } from './system.ts';
import { auditEvents, auditMethods } from './audit.ts';
import { adminEvents, adminMethods } from './admin.ts';

export * from './define.ts';
export * from './errors.ts';
export * from './system.ts';
export * from './policy.ts';
export * from './account.ts';
export * from './profiles.ts';
export * from './conversations.ts';
export * from './messaging.ts';
export * from './session.ts';
export * from './audit.ts';
export * from './admin.ts';
export * from './bridge.ts';
export * from './exposed.ts';

/** The whole contract: every method the renderer may call, declared once. */
export const methods = {
  ...systemMethods,
  ...policyMethods,
  ...accountMethods,
  ...profilesMethods,
  ...conversationsMethods,
  ...messagingMethods,
  ...sessionMethods,
  ...auditMethods,
  ...adminMethods,
} satisfies Record<string, MethodSpec>;

/** Every event main pushes to the renderer. */
export const events = {
  ...systemEvents,
  ...policyEvents,
  ...accountEvents,
  ...profilesEvents,
  ...conversationsEvents,
  ...messagingEvents,
  ...sessionEvents,
  ...auditEvents,
  ...adminEvents,
} satisfies Record<string, z.ZodType>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type EventName = keyof typeof events;
export type RequestOf<M extends MethodName> = z.input<Methods[M]['request']>;
export type ParsedRequestOf<M extends MethodName> = z.output<Methods[M]['request']>;
export type ResponseOf<M extends MethodName> = z.output<Methods[M]['response']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** Channel names are derived, never written by hand. */
export const channelFor = (method: MethodName): string => `sealwire:${method}`;
export const EVENT_CHANNEL = 'sealwire:event';
export const APP_ORIGIN = 'app://sealwire';
