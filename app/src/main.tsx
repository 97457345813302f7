import { render } from 'solid-js/web';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
render(() => <main><h1>Seal Control</h1></main>, root);
