// Renders the API description documents (`resources.json` and one declaration per resource) from the operation
// and model tables, with `basePath` set to the address the client used, as a running Asterisk does.

import { MODELS } from './models.js';
import type { ModelSpec } from './models.js';
import { OPERATIONS, RESOURCE_DESCRIPTIONS, RESOURCE_ORDER } from './operations.js';
import type { OperationSpec, ResourceName } from './operations.js';

const API_VERSION = '2.0.0';
const ARI_VERSION = '10.0.0';
const SWAGGER_VERSION = '1.1';

export function resourceListing(basePath: string): unknown {
  return {
    apiVersion: ARI_VERSION,
    swaggerVersion: SWAGGER_VERSION,
    basePath,
    apis: RESOURCE_ORDER.map((name) => ({ path: `/api-docs/${name}.{format}`, description: RESOURCE_DESCRIPTIONS[name] })),
  };
}

export function isResourceName(name: string): name is ResourceName {
  return (RESOURCE_ORDER as readonly string[]).includes(name);
}

export function resourceDeclaration(resource: ResourceName, basePath: string): unknown {
  const byPath = new Map<string, OperationSpec[]>();
  for (const op of OPERATIONS) {
    if (op.resource !== resource) continue;
    const ops = byPath.get(op.path) ?? [];
    ops.push(op);
    byPath.set(op.path, ops);
  }
  return {
    apiVersion: API_VERSION,
    swaggerVersion: SWAGGER_VERSION,
    basePath,
    resourcePath: `/api-docs/${resource}.{format}`,
    apis: [...byPath].map(([path, ops]) => ({
      path,
      description: RESOURCE_DESCRIPTIONS[resource],
      operations: ops.map(renderOperation),
    })),
    models: Object.fromEntries(MODELS[resource].map((m) => [m.id, renderModel(m)])),
  };
}

function renderOperation(op: OperationSpec): unknown {
  return {
    httpMethod: op.httpMethod,
    ...(op.upgrade ? { upgrade: op.upgrade, websocketProtocol: 'ari' } : {}),
    summary: op.summary,
    nickname: op.nickname,
    responseClass: op.responseClass,
    parameters: op.parameters.map((p) => ({
      name: p.name,
      paramType: p.paramType,
      required: p.required,
      allowMultiple: p.allowMultiple,
      dataType: p.dataType,
      ...(p.defaultValue !== undefined ? { defaultValue: p.defaultValue } : {}),
      ...(p.allowableValues ? { allowableValues: p.allowableValues } : {}),
    })),
    ...(op.errorResponses.length > 0 ? { errorResponses: op.errorResponses } : {}),
  };
}

function renderModel(m: ModelSpec): unknown {
  return {
    id: m.id,
    description: m.description,
    ...(m.discriminator ? { discriminator: m.discriminator } : {}),
    properties: m.properties,
    ...(m.subTypes ? { subTypes: m.subTypes } : {}),
  };
}
