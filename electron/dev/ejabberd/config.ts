import { stringify } from 'yaml';

/** PostgreSQL for everything ejabberd stores (accounts, rosters, archive, rooms), as a cluster needs. */
export interface EjabberdSql {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly username: string;
  readonly password: string;
}

/** Everything one ejabberd node's config needs to know. */
export interface EjabberdConfigInput {
  readonly domain: string;
  readonly mucDomain: string | null;
  readonly uploadDomain: string | null;
  readonly certPath: string;
  readonly keyPath: string;
  readonly caCertPath: string;
  readonly c2sPort: number;
  readonly directTlsPort: number;
  readonly httpsPort: number;
  readonly uploadDir: string;
  readonly admins: readonly string[];
  /** Messages kept for an offline account before the server answers with resource-constraint. */
  readonly offlineLimit: number;
  readonly logLevel: 'debug' | 'info' | 'warning';
  /** Where everything is stored: PostgreSQL (a cluster) or one SQLite file (one node). */
  readonly storage: { readonly pgsql: EjabberdSql } | { readonly sqliteFile: string };
  /** The patient gateway's XEP-0114 component (loopback port, shared secret), or null. */
  readonly component: { readonly domain: string; readonly port: number; readonly secret: string } | null;
  /** Top-level settings merged over the fixture's (modules are merged one by one). */
  readonly extra: Readonly<Record<string, unknown>>;
}

/**
 * The fixture's ejabberd.yml: what Sealwire needs from a clinic's ejabberd. STARTTLS required and
 * direct TLS, SCRAM-SHA-256 only (stored as SCRAM hashes), MAM on by default for accounts and
 * rooms (ejabberd's own default is `never`), carbons, stream management, MUC, HTTP upload on
 * HTTPS, a shared roster for the staff directory, and an explicit offline-message limit.
 * The HTTP API (accounts, shared roster groups) answers only loopback.
 */
export function renderEjabberdConfig(c: EjabberdConfigInput): string {
  const https = `https://${c.domain}:${c.httpsPort}`;
  const modules: Record<string, unknown> = {
    mod_adhoc: {},
    mod_admin_extra: {},
    mod_caps: {},
    mod_carboncopy: {},
    mod_disco: {},
    mod_mam: { default: 'always', assume_mam_usage: true },
    mod_offline: { access_max_user_messages: 'max_user_offline_messages' },
    mod_ping: {},
    mod_private: {},
    mod_roster: { versioning: true },
    mod_shared_roster: {},
    // A deep queue: bursts of thousands of stanzas must survive a dropped socket.
    mod_stream_mgmt: { resend_on_timeout: 'if_offline', max_ack_queue: 20000, resume_timeout: 300 },
    mod_vcard: {},
    mod_version: {},
  };
  if (c.mucDomain !== null) {
    modules.mod_muc = {
      host: c.mucDomain,
      access_create: 'local',
      history_size: 0, // history comes from the room archive (MAM), not the join replay
      default_room_options: { mam: true, persistent: true },
    };
  }
  if (c.uploadDomain !== null) {
    modules.mod_http_upload = {
      host: c.uploadDomain,
      put_url: `${https}/upload`,
      get_url: `${https}/upload`,
      docroot: c.uploadDir,
      max_size: 100 * 1024 * 1024,
    };
  }
  const config: Record<string, unknown> = {
    hosts: [c.domain],
    loglevel: c.logLevel,
    hide_sensitive_log_data: true,
    certfiles: [c.certPath, c.keyPath],
    ca_file: c.caCertPath,
    listen: [
      { port: c.c2sPort, ip: '127.0.0.1', module: 'ejabberd_c2s', starttls_required: true, shaper: 'none', access: 'c2s', max_stanza_size: 262144 },
      { port: c.directTlsPort, ip: '127.0.0.1', module: 'ejabberd_c2s', tls: true, shaper: 'none', access: 'c2s', max_stanza_size: 262144 },
      {
        port: c.httpsPort,
        ip: '127.0.0.1',
        module: 'ejabberd_http',
        tls: true,
        request_handlers: { ...(c.uploadDomain !== null ? { '/upload': 'mod_http_upload' } : {}), '/api': 'mod_http_api' },
      },
      ...(c.component === null
        ? []
        : [{ port: c.component.port, ip: '127.0.0.1', module: 'ejabberd_service', shaper: 'none', hosts: { [c.component.domain]: { password: c.component.secret } } }]),
    ],
    auth_method: 'sql',
    auth_password_format: 'scram',
    auth_scram_hash: 'sha256',
    acl: {
      loopback: { ip: ['127.0.0.0/8'] },
      ...(c.admins.length > 0 ? { admin: { user: [...c.admins] } } : {}),
    },
    access_rules: { c2s: { allow: 'all' }, local: { allow: 'all' } },
    api_permissions: {
      'loopback admin': { from: ['ejabberd_ctl', 'mod_http_api'], who: { ip: '127.0.0.0/8' }, what: '*' },
    },
    shaper_rules: { max_user_offline_messages: c.offlineLimit, max_user_sessions: 100 },
    modules,
  };
  // SQL, not Mnesia: Mnesia logs commits asynchronously, so a node killed with SIGKILL forgets
  // the last seconds of accounts and archive (measured here); SQL commits are durable.
  Object.assign(config, { default_db: 'sql', sql_pool_size: 5, new_sql_schema: false });
  if ('pgsql' in c.storage) {
    const pg = c.storage.pgsql;
    Object.assign(config, {
      sql_type: 'pgsql',
      sql_server: pg.host,
      sql_port: pg.port,
      sql_database: pg.database,
      sql_username: pg.username,
      sql_password: pg.password,
    });
  } else {
    Object.assign(config, { sql_type: 'sqlite', sql_database: c.storage.sqliteFile });
  }
  for (const [key, value] of Object.entries(c.extra)) {
    if (key === 'modules' && typeof value === 'object' && value !== null) Object.assign(modules, value);
    else config[key] = value;
  }
  return '# Generated by the Sealwire test fixture (electron/dev/ejabberd). Throwaway; loopback only.\n' + stringify(config);
}
