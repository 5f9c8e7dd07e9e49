// STUB (drive branch): replaced by the integrations framework (branch integ) at merge.
import './google-drive/config';
