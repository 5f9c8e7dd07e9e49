import { EventEmitter } from 'node:events';
import { getDbHandle } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { logger } from '@/lib/log';
import { NOTIFY_CHANNEL } from './outbox';

// In-process fan-out of "tenant X has new events", fed by Postgres LISTEN: PGlite delivers NOTIFY in-process
// right after COMMIT, a server Postgres over one dedicated connection (which also reaches every other app
// instance). Neon's serverless driver has no LISTEN; there, and while a LISTEN connection is down, readers poll.

export type NotifierMode = 'listen' | 'poll';

interface PgliteListener {
  listen(channel: string, cb: (payload: string) => void): Promise<unknown>;
}

function hasListen(client: unknown): client is PgliteListener {
  return typeof client === 'object' && client !== null && typeof Reflect.get(client, 'listen') === 'function';
}

const RECONNECT_MS = 5_000;

class RealtimeNotifier {
  private readonly emitter = new EventEmitter();
  private started: Promise<void> | null = null;
  private stopListening: (() => Promise<void>) | null = null;
  mode: NotifierMode = 'poll';

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  subscribe(tenantId: string, fn: () => void): () => void {
    this.emitter.on(tenantId, fn);
    return () => this.emitter.off(tenantId, fn);
  }

  notify(tenantId: string): void {
    this.emitter.emit(tenantId);
  }

  // Idempotent: the first stream of the process starts listening.
  start(): Promise<void> {
    this.started ??= this.listen().catch((err: unknown) => {
      logger.warn('realtime: LISTEN unavailable, polling instead', { error: err instanceof Error ? err.message : String(err) });
      this.mode = 'poll';
      // Let a later start() (every feed poll calls it) try again.
      setTimeout(() => {
        this.started = null;
      }, RECONNECT_MS).unref();
    });
    return this.started;
  }

  async stop(): Promise<void> {
    const stop = this.stopListening;
    this.stopListening = null;
    this.started = null;
    this.mode = 'poll';
    if (stop) await stop();
  }

  private async listen(): Promise<void> {
    const handle = await getDbHandle();
    if (handle.kind === 'pglite') {
      // drizzle keeps the driver client on $client; the shared PgDatabase type does not declare it.
      const client: unknown = Reflect.get(handle.db, '$client');
      if (!hasListen(client)) throw new Error('the embedded database client has no listen()');
      const unlisten = await client.listen(NOTIFY_CHANNEL, (tenantId) => this.notify(tenantId));
      this.stopListening = async () => {
        if (typeof unlisten === 'function') await unlisten();
      };
      this.mode = 'listen';
      return;
    }
    if (handle.kind === 'postgres') return this.listenPostgres();
    this.mode = 'poll';
  }

  private async listenPostgres(): Promise<void> {
    const url = getEnv().DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set');
    const { Client } = await import('pg');
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    let stopped = false;
    const reconnect = () => {
      if (stopped) return;
      stopped = true;
      this.mode = 'poll';
      client.end().catch(() => undefined);
      logger.warn('realtime: LISTEN connection lost; polling until it is back');
      setTimeout(() => {
        this.started = null;
        void this.start();
      }, RECONNECT_MS).unref();
    };
    client.on('error', reconnect);
    client.on('end', reconnect);
    client.on('notification', (msg) => {
      if (msg.channel === NOTIFY_CHANNEL && msg.payload) this.notify(msg.payload);
    });
    await client.connect();
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    this.stopListening = async () => {
      stopped = true;
      await client.end();
    };
    this.mode = 'listen';
  }
}

const holder = globalThis as typeof globalThis & { __reflexNotifier?: RealtimeNotifier };

export function getNotifier(): RealtimeNotifier {
  holder.__reflexNotifier ??= new RealtimeNotifier();
  return holder.__reflexNotifier;
}
