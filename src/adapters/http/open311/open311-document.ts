// One response model, two renderings. GeoReport v2 defines the XML and derives the JSON from it by the Spark
// convention (a list element becomes an array of its items, a record an object), so each endpoint builds a
// document once and the format extension only picks the writer.

import { XmlWriter } from './xml-writer.js';

export type Scalar = string | number | boolean | null;

/** A repeated element: `<services><service>…</service>…</services>` in XML, an array in JSON. */
export class ListNode {
  constructor(
    readonly itemName: string,
    readonly items: readonly DocNode[],
  ) {}
}

/** Fields in output order; `undefined` leaves a field out of both renderings. */
export interface RecordNode {
  readonly [field: string]: DocNode | undefined;
}

export type DocNode = Scalar | ListNode | RecordNode;

export interface Open311Document {
  /** The XML root element; JSON has no root. */
  readonly root: string;
  readonly body: ListNode | RecordNode;
}

export const OPEN311_FORMATS = ['xml', 'json'] as const;
export type Open311Format = (typeof OPEN311_FORMATS)[number];

/** As discovery lists them. */
export const MEDIA_TYPES: Readonly<Record<Open311Format, string>> = { xml: 'text/xml', json: 'application/json' };

/** As the spec's Format Support section has them. */
export const CONTENT_TYPES: Readonly<Record<Open311Format, string>> = {
  xml: `${MEDIA_TYPES.xml}; charset=utf-8`,
  json: `${MEDIA_TYPES.json}; charset=utf-8`,
};

export function isOpen311Format(value: string): value is Open311Format {
  return (OPEN311_FORMATS as readonly string[]).includes(value);
}

export function renderDocument(document: Open311Document, format: Open311Format): string {
  return format === 'json' ? JSON.stringify(toJson(document.body)) : toXml(document);
}

function toJson(node: DocNode): unknown {
  if (node instanceof ListNode) return node.items.map(toJson);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(node)) if (value !== undefined) out[field] = toJson(value);
  return out;
}

function toXml(document: Open311Document): string {
  const writer = new XmlWriter();
  writeElement(writer, document.root, document.body);
  return writer.toString();
}

function writeElement(writer: XmlWriter, name: string, node: DocNode): void {
  if (node instanceof ListNode) {
    writer.start(name);
    for (const item of node.items) writeElement(writer, node.itemName, item);
    writer.end();
  } else if (node !== null && typeof node === 'object') {
    writer.start(name);
    for (const [field, value] of Object.entries(node)) if (value !== undefined) writeElement(writer, field, value);
    writer.end();
  } else {
    writer.leaf(name, node);
  }
}
