// After the identity behind the page changes (sign-in, sign-out, new or switched organization, accepted
// invitation) a full page load is deliberate: it drops every client-side cache and component state that
// belonged to the previous identity, and the server layouts render afresh from the new session cookie.
export function reloadTo(path: string): void {
  window.location.assign(path);
}
