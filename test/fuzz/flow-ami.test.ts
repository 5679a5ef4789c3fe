// Fuzz, flow YAML and AMI over sockets: the flow parser, the simulator's AMI server and the gateway's AMI client.
import { fuzzSuite } from './ci-run.js';

fuzzSuite('flow-ami', 'fuzz: flow YAML, AMI over sockets (simulator server, client)');
