// Fuzz, mail: the mail-to-draft path and the SMTP intake server over a socket.
import { fuzzSuite } from './ci-run.js';

fuzzSuite('mail', 'fuzz: mail (MIME to draft, SMTP sessions)');
