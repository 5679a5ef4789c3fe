// A small validator for Swagger 1.1/1.2-style models as Asterisk publishes them (api-docs/*.json): required
// properties, primitive and Date types, List[...], nested models, LIST allowableValues, and inheritance through
// `subTypes` with the `type` discriminator of Message. Unknown properties are errors, so a simulator event cannot
// carry fields Asterisk does not describe.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface Property {
  readonly type: string;
  readonly required?: boolean;
  readonly allowableValues?: { readonly valueType: string; readonly values?: readonly string[] };
}

interface Model {
  readonly id: string;
  readonly properties?: Readonly<Record<string, Property>>;
  readonly subTypes?: readonly string[];
  readonly discriminator?: string;
}

const ARI_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/;

export class SwaggerModelValidator {
  private readonly models = new Map<string, Model>();
  private readonly parents = new Map<string, string>();

  constructor(apiDocsDir: string) {
    for (const file of readdirSync(apiDocsDir).filter((f) => f.endsWith('.json'))) {
      const doc = JSON.parse(readFileSync(join(apiDocsDir, file), 'utf8')) as { models?: Record<string, Model> };
      for (const [name, model] of Object.entries(doc.models ?? {})) {
        this.models.set(name, model);
        for (const sub of model.subTypes ?? []) this.parents.set(sub, name);
      }
    }
  }

  hasModel(name: string): boolean {
    return this.models.has(name);
  }

  /** Validates a WebSocket message: its `type` picks the model, which must descend from Message. */
  validateMessage(message: unknown): string[] {
    if (!isObject(message) || typeof message['type'] !== 'string') return ['message: not an object with a string "type"'];
    const type = message['type'];
    if (!this.models.has(type)) return [`message: unknown type ${type}`];
    if (!this.ancestors(type).includes('Message')) return [`message: ${type} does not descend from Message`];
    return this.validate(message, type, type);
  }

  /** Errors found validating `value` as `typeName` (empty when valid). */
  validate(value: unknown, typeName: string, at = typeName): string[] {
    const list = /^List\[(.+)\]$/.exec(typeName);
    if (list) {
      if (!Array.isArray(value)) return [`${at}: expected an array`];
      return value.flatMap((item, i) => this.validate(item, list[1] as string, `${at}[${i}]`));
    }
    switch (typeName) {
      case 'string':
        return typeof value === 'string' ? [] : [`${at}: expected a string`];
      case 'int':
      case 'long':
        return Number.isInteger(value) ? [] : [`${at}: expected an integer`];
      case 'double':
        return typeof value === 'number' ? [] : [`${at}: expected a number`];
      case 'boolean':
        return typeof value === 'boolean' ? [] : [`${at}: expected a boolean`];
      case 'Date':
        return typeof value === 'string' && ARI_DATE.test(value) ? [] : [`${at}: expected an ARI date, got ${JSON.stringify(value)}`];
      case 'object':
        return isObject(value) ? [] : [`${at}: expected an object`];
    }
    if (!this.models.has(typeName)) return [`${at}: unknown type ${typeName}`];
    if (!isObject(value)) return [`${at}: expected a ${typeName} object`];
    const props = this.allProperties(typeName);
    const errors: string[] = [];
    for (const [name, prop] of Object.entries(props)) {
      if (value[name] === undefined) {
        if (prop.required) errors.push(`${at}.${name}: required by ${typeName}`);
        continue;
      }
      errors.push(...this.validate(value[name], prop.type, `${at}.${name}`));
      const allowed = prop.allowableValues;
      if (allowed?.valueType === 'LIST' && allowed.values && !allowed.values.includes(String(value[name]))) {
        errors.push(`${at}.${name}: ${JSON.stringify(value[name])} is not one of ${allowed.values.join(', ')}`);
      }
    }
    for (const name of Object.keys(value)) {
      if (!(name in props)) errors.push(`${at}.${name}: not a property of ${typeName}`);
    }
    return errors;
  }

  private ancestors(name: string): string[] {
    const result: string[] = [];
    for (let p = this.parents.get(name); p; p = this.parents.get(p)) result.push(p);
    return result;
  }

  private allProperties(name: string): Record<string, Property> {
    const props: Record<string, Property> = {};
    for (const model of [name, ...this.ancestors(name)].map((n) => this.models.get(n))) Object.assign(props, model?.properties ?? {});
    return props;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
