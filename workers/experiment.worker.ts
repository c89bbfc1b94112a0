import * as Comlink from 'comlink';
import { createExperimentApi } from './experiment.api';

Comlink.expose(createExperimentApi());
