import * as Comlink from 'comlink';
import { createProbe } from './probe.api';

Comlink.expose(createProbe());
