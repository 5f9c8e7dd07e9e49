import { registerDisconnectCleanup } from '../disconnect';
import { deleteDriveContent } from './settings';

// Disconnect with content: 'delete' removes every document the connection brought in (and its file map).
registerDisconnectCleanup('google_drive', deleteDriveContent);
