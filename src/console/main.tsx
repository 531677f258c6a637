import { render } from 'preact';
import { App } from './app.js';

// Entry of the browser bundle (scripts/build-console.mjs): the auditor's console.
const root = document.getElementById('app');
if (root !== null) render(<App />, root);
