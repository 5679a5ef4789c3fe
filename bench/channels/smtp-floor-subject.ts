// The SMTP floor: the least any SMTP front of the `intake` queue could do on this machine, in its own Node process,
// measured with the same load generator and connections as the gateway's SMTP server. A bare smtp-server, set up
// like the gateway's (same limits, no AUTH or STARTTLS), takes any recipient, collects the DATA stream into one
// Buffer, adds it (as a string) as the job with the job options intake uses (job id from the message's sha256,
// priority, deduplication, retention), and answers 250 with a ticket once the add resolved. No parsing, no raw-mail
// file or fsync, no records, indexes or logging. It shows how much of the raw queue.add rate survives SMTP alone.

import { createHash } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream } from 'smtp-server';
import { floorQueue } from '../shared/intake-job-options.js';
import type { BenchRedis } from '../shared/redis-tools.js';
import { serveSubject } from '../shared/subject.js';

export interface SmtpFloorConfig {
  readonly redis: BenchRedis;
  /** BullMQ key prefix, with its hash tag. */
  readonly queuePrefix: string;
  readonly dedupTtlMs: number;
  /** The gateway's SMTP limits, so the floor speaks the same protocol (SIZE in EHLO, sessions at once). */
  readonly maxBytes: number;
  readonly maxClients: number;
}

export interface SmtpFloorInfo {
  readonly port: number;
}

serveSubject<SmtpFloorConfig, SmtpFloorInfo>(async (settings) => {
  const queue = await floorQueue(settings.redis, settings.queuePrefix, settings.dedupTtlMs);

  const file = async (stream: SMTPServerDataStream): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const jobId = createHash('sha256').update(raw).digest('hex');
    await queue.add(jobId, raw.toString('utf8'));
    // The load generator counts a mail as done only on a 250 naming a ticket, as the gateway's does.
    return `2.0.0 Accepted, ticket ${jobId.slice(0, 10)}`;
  };

  const server = new SMTPServer({
    banner: '12345 citizen hotline floor',
    size: settings.maxBytes,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    hideENHANCEDSTATUSCODES: true,
    hideDSN: true,
    disableReverseLookup: true,
    logger: false,
    maxClients: settings.maxClients,
    onData: (stream, _session, callback) => {
      file(stream).then(
        (message) => callback(null, message),
        (err: unknown) => callback(Object.assign(err instanceof Error ? err : new Error(String(err)), { responseCode: 451 })),
      );
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
  return {
    info: { port },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close();
    },
  };
});
