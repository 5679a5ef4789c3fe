// Fuzz, HTTP bodies: /v1, the web form, Open311 and /wechat through the gateway's HTTP stack on real Redis.
import { fuzzSuite } from './ci-run.js';

fuzzSuite('http', 'fuzz: HTTP bodies (v1, web form, Open311, WeChat route)');
