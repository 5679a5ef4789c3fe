// Fuzz, pure parsers: WeChat XML and the AMI codec (the bulk of the 100,000 inputs).
import { fuzzSuite } from './ci-run.js';

fuzzSuite('pure', 'fuzz: pure parsers (WeChat XML, AMI codec)');
