import { mount } from 'svelte';
// The theme first, so every component's own rules come after it.
import './ui/theme.css';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
