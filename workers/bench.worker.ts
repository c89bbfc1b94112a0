import * as Comlink from 'comlink';
import { createBench } from './bench.api';

Comlink.expose(createBench());
