// Each file here is bundled on its own into dist/vendor/ and loaded only by the code that needs it.
export { default as Conf } from 'conf';
