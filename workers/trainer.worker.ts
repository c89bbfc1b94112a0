import * as Comlink from 'comlink';
import { createTrainer } from './trainer.api';

Comlink.expose(createTrainer());
