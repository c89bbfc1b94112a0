import * as Comlink from 'comlink';
import { createPlayer } from './player.api';

Comlink.expose(createPlayer());
