// What each audited action means, in words people read in the audit log: "Created an API key", or, for a
// refused request, "Tried to create an API key". Actions are operation ids (lib/api/*.ts) for requests and
// dotted names for events the application records itself. tests/audit/action-labels.test.ts checks that every
// operation has an entry. Plain data with no imports: the browser renders the same words.

type Verb = readonly [past: string, base: string];
type Entry = readonly [verb: Verb, object: string];

const V = {
  accept: ['Accepted', 'accept'],
  activate: ['Reactivated', 'reactivate'],
  deactivate: ['Deactivated', 'deactivate'],
  map: ['Mapped', 'map'],
  ask: ['Asked', 'ask'],
  cancel: ['Cancelled', 'cancel'],
  connect: ['Connected', 'connect'],
  disconnect: ['Disconnected', 'disconnect'],
  start: ['Started', 'start'],
  sync: ['Synced', 'sync'],
  reencrypt: ['Re-encrypted', 're-encrypt'],
  change: ['Changed', 'change'],
  check: ['Checked', 'check'],
  create: ['Created', 'create'],
  delete: ['Deleted', 'delete'],
  download: ['Downloaded', 'download'],
  end: ['Ended', 'end'],
  enable: ['Enabled', 'enable'],
  erase: ['Erased', 'erase'],
  export: ['Exported', 'export'],
  invite: ['Invited', 'invite'],
  issue: ['Issued', 'issue'],
  list: ['Listed', 'list'],
  mark: ['Marked', 'mark'],
  open: ['Opened', 'open'],
  preview: ['Previewed', 'preview'],
  provision: ['Provisioned', 'provision'],
  purge: ['Purged', 'purge'],
  reactivate: ['Reactivated', 'reactivate'],
  read: ['Viewed', 'view'],
  receive: ['Received', 'receive'],
  record: ['Recorded', 'record'],
  remove: ['Removed', 'remove'],
  rename: ['Renamed', 'rename'],
  replace: ['Rearranged', 'rearrange'],
  request: ['Requested', 'request'],
  resend: ['Resent', 'resend'],
  reset: ['Reset', 'reset'],
  retry: ['Retried', 'retry'],
  run: ['Ran', 'run'],
  revoke: ['Revoked', 'revoke'],
  search: ['Searched', 'search'],
  signIn: ['Signed in', 'sign in'],
  signOut: ['Signed out', 'sign out'],
  subscribe: ['Subscribed', 'subscribe'],
  suspend: ['Suspended', 'suspend'],
  switch: ['Switched', 'switch'],
  update: ['Updated', 'update'],
  upload: ['Uploaded', 'upload'],
  verify: ['Verified', 'verify'],
} as const satisfies Record<string, Verb>;

export const AUDIT_ACTIONS: Record<string, Entry> = {
  // identity and organizations
  getMe: [V.read, 'their profile'],
  signOutEverywhere: [V.signOut, 'everywhere'],
  listMySessions: [V.list, 'their sessions'],
  switchTenant: [V.switch, 'organization'],
  createTenant: [V.create, 'an organization'],
  eraseTenant: [V.erase, 'the organization'],
  getOrganizationSettings: [V.read, 'organization settings'],
  updateOrganizationSettings: [V.update, 'organization settings'],
  getSecuritySettings: [V.read, 'security settings'],
  updateSecuritySettings: [V.update, 'security settings'],
  // SCIM provisioning: its settings, and what an identity provider did with a SCIM token
  getScimSettings: [V.read, 'SCIM provisioning settings'],
  updateScimSettings: [V.change, 'the default role for SCIM members'],
  mapScimGroup: [V.map, 'a SCIM group to a role'],
  listScimTokens: [V.list, 'SCIM tokens'],
  createScimToken: [V.create, 'a SCIM token'],
  revokeScimToken: [V.revoke, 'a SCIM token'],
  'scim.createUser': [V.provision, 'a member through SCIM'],
  'scim.updateUser': [V.update, 'a member through SCIM'],
  'scim.deactivateUser': [V.deactivate, 'a member through SCIM'],
  'scim.reactivateUser': [V.activate, 'a member through SCIM'],
  'scim.deleteUser': [V.remove, 'a member through SCIM'],
  'scim.createGroup': [V.create, 'a SCIM group'],
  'scim.replaceGroup': [V.update, 'a SCIM group'],
  'scim.updateGroup': [V.update, 'a SCIM group'],
  'scim.deleteGroup': [V.delete, 'a SCIM group'],
  // members, roles, invitations, API keys
  listMembers: [V.list, 'members'],
  updateMember: [V.change, "a member's role"],
  removeMember: [V.remove, 'a member'],
  resetMemberMfa: [V.reset, "a member's two-factor authentication"],
  revokeMemberSessions: [V.signOut, 'a member everywhere'],
  listRoles: [V.list, 'roles'],
  createRole: [V.create, 'a role'],
  updateRole: [V.update, 'a role'],
  deleteRole: [V.delete, 'a role'],
  listInvitations: [V.list, 'invitations'],
  createInvitation: [V.invite, 'someone to join'],
  revokeInvitation: [V.revoke, 'an invitation'],
  resendInvitation: [V.resend, 'an invitation'],
  acceptInvitation: [V.accept, 'an invitation'],
  previewInvitation: [V.preview, 'an invitation'],
  listApiKeys: [V.list, 'API keys'],
  createApiKey: [V.create, 'an API key'],
  revokeApiKey: [V.revoke, 'an API key'],
  // documents, search and the assistant
  uploadDocument: [V.upload, 'a document'],
  listDocuments: [V.list, 'documents'],
  getDocument: [V.open, 'a document'],
  deleteDocument: [V.delete, 'a document'],
  retryDocument: [V.retry, 'processing a document'],
  cancelDocument: [V.cancel, 'processing a document'],
  search: [V.search, 'documents'],
  askAssistant: [V.ask, 'the assistant'],
  listConversations: [V.list, 'their conversations'],
  createConversation: [V.create, 'a conversation'],
  getConversation: [V.open, 'a conversation'],
  renameConversation: [V.rename, 'a conversation'],
  deleteConversation: [V.delete, 'a conversation'],
  getDashboard: [V.read, 'the dashboard'],
  // tasks
  listTasks: [V.list, 'tasks'],
  createTask: [V.create, 'a task'],
  getTask: [V.open, 'a task'],
  updateTask: [V.update, 'a task'],
  deleteTask: [V.delete, 'a task'],
  listBoardColumns: [V.list, 'board columns'],
  replaceBoardColumns: [V.replace, 'the board columns'],
  streamEvents: [V.open, 'the live event stream'],
  // settings, usage, audit
  getAiSettings: [V.read, 'AI settings'],
  updateAiSettings: [V.update, 'AI settings'],
  getUsage: [V.read, 'usage'],
  getQuotas: [V.read, 'quotas'],
  listAuditEvents: [V.read, 'the audit log'],
  exportAuditLog: [V.export, 'the audit log'],
  verifyAuditLog: [V.verify, 'the audit log'],
  // privacy
  listPrivacyExports: [V.list, 'data exports'],
  createPrivacyExport: [V.request, 'a data export'],
  getPrivacyExport: [V.read, 'a data export'],
  downloadPrivacyExport: [V.download, 'a data export'],
  erasePrivacyUser: [V.erase, "a member's personal data"],
  // integrations (Slack, Google Drive, Asana)
  connectIntegration: [V.start, 'connecting an integration'],
  completeIntegrationConnect: [V.connect, 'an integration'],
  listIntegrations: [V.list, 'integrations'],
  disconnectIntegration: [V.disconnect, 'an integration'],
  'integration.connected': [V.connect, 'an integration'],
  'integration.connectFailed': [V.connect, 'an integration'],
  'integration.disconnected': [V.disconnect, 'an integration'],
  'integration.reauthRequired': [V.mark, 'an integration as needing to be reconnected'],
  'integration.synced': [V.sync, 'an integration'],
  'integration.syncFailed': [V.sync, 'an integration'],
  'integration.tokensReencrypted': [V.reencrypt, "an integration's tokens under the new key"],
  // billing
  getBilling: [V.read, 'billing'],
  getTenantBillingAsOperator: [V.read, 'billing (operator)'],
  issueInvoiceAsOperator: [V.issue, 'an invoice (operator)'],
  payInvoiceAsOperator: [V.record, 'a payment (operator)'],
  runBillingClockAsOperator: [V.run, 'the billing clock (operator)'],
  startBillingCheckout: [V.open, 'card checkout'],
  openBillingPortal: [V.open, 'the billing portal'],
  receiveStripeWebhook: [V.receive, 'a payment notice from Stripe'],
  // Asana connector
  receiveAsanaWebhook: [V.receive, 'task changes from Asana'],
  getAsanaSetup: [V.read, 'the Asana sync settings'],
  updateAsanaSetup: [V.update, 'the Asana sync settings'],
  listAsanaWorkspaces: [V.list, 'Asana workspaces'],
  listAsanaProjects: [V.list, 'Asana projects'],
  listAsanaSections: [V.list, 'Asana sections'],
  // operators and the platform
  provisionTenant: [V.provision, 'the organization'],
  updateTenantAsOperator: [V.update, 'the organization (operator)'],
  getMaintenance: [V.read, 'maintenance mode'],
  setMaintenance: [V.change, 'maintenance mode'],
  listRestoreDrills: [V.list, 'restore drills'],
  health: [V.check, 'health'],
  readiness: [V.check, 'readiness'],
  metrics: [V.read, 'metrics'],
  status: [V.read, 'the status page'],
  // events the application records itself
  'auth.signIn': [V.signIn, ''],
  'privacy.member_erased': [V.erase, "a member's personal data"],
  'privacy.exports_purged': [V.purge, 'expired data exports'],
  'retention.documents_deleted': [V.delete, 'documents past their retention period'],
  'billing.enabled': [V.enable, 'billing'],
  'billing.invoiceIssued': [V.issue, 'an invoice'],
  'billing.invoicePaid': [V.record, 'a payment'],
  'billing.paymentFailed': [V.record, 'a missed payment'],
  'billing.pastDue': [V.mark, 'the organization past due'],
  'billing.suspended': [V.suspend, 'the organization for an unpaid invoice'],
  'billing.reactivated': [V.reactivate, 'the organization'],
  'billing.subscribed': [V.subscribe, 'to a paid plan'],
  'billing.subscriptionEnded': [V.end, 'the subscription'],
  'billing.seatsChanged': [V.change, 'the number of paid seats'],
};

function sentence(verb: string, object: string): string {
  return object ? `${verb} ${object}` : verb;
}

// "camelCaseId" → "Camel case id": still readable for an action recorded by a newer version than this table.
function fromIdentifier(action: string): string {
  const words = action
    .replace(/[._-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function describeAuditAction(action: string, outcome: 'success' | 'denied' | 'failure' = 'success'): string {
  const entry = AUDIT_ACTIONS[action];
  if (!entry) return fromIdentifier(action);
  const [[past, base], object] = entry;
  if (outcome === 'success') return sentence(past, object);
  return sentence(`${outcome === 'denied' ? 'Tried to' : 'Failed to'} ${base}`, object);
}
