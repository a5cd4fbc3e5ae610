// The engine raises the app-wide user errors (src-main/common), so the CLI and the dispatcher recognise them.
export { atLine, UserError } from '../../common/errors';
