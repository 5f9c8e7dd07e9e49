import { DOMParser } from '@xmldom/xmldom';

export const SAML_ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const SAML_PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const SAML_METADATA_NS = 'urn:oasis:names:tc:SAML:2.0:metadata';
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

// A DOCTYPE is never legitimate in SAML messages or metadata; refusing it outright closes XXE and
// entity-expansion ("billion laughs") attacks whatever the parser would otherwise do with it.
const FORBIDDEN_MARKUP = /<!DOCTYPE|<!ENTITY/i;

// xmldom declares its own DOM types, which TypeScript does not unify with lib.dom's.
export type XmlElement = NonNullable<ReturnType<DOMParser['parseFromString']>['documentElement']>;

export type XmlParseFailure = 'doctype' | 'not_xml';

// Parses untrusted XML strictly: any parser error or warning fails, as does a DOCTYPE.
export function parseUntrustedXml(xml: string): { ok: true; root: XmlElement } | { ok: false; why: XmlParseFailure } {
  if (FORBIDDEN_MARKUP.test(xml)) return { ok: false, why: 'doctype' };
  let failed = false;
  const flag = () => {
    failed = true;
  };
  let root: XmlElement | null;
  try {
    root = new DOMParser({ locator: {}, errorHandler: { warning: flag, error: flag, fatalError: flag } }).parseFromString(
      xml,
      'text/xml',
    ).documentElement;
  } catch {
    return { ok: false, why: 'not_xml' };
  }
  if (failed || !root) return { ok: false, why: 'not_xml' };
  return { ok: true, root };
}

export function childElements(parent: XmlElement, ns: string, localName: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType !== 1) continue;
    // nodeType 1 is ELEMENT_NODE; xmldom's nodes carry no runtime class we could test with instanceof.
    const el = node as XmlElement;
    if (el.localName === localName && el.namespaceURI === ns) out.push(el);
  }
  return out;
}

export function firstChild(parent: XmlElement, ns: string, localName: string): XmlElement | null {
  return childElements(parent, ns, localName)[0] ?? null;
}

export function textOf(el: XmlElement | null): string | null {
  const text = el?.textContent?.trim();
  return text ? text : null;
}

export function attr(el: XmlElement | null, name: string): string | null {
  if (!el || !el.hasAttribute(name)) return null;
  return el.getAttribute(name);
}

export function isNamed(el: XmlElement, ns: string, localName: string): boolean {
  return el.localName === localName && el.namespaceURI === ns;
}
