// ESLint rule `runnel/layers`: enforces the import arrows of docs/architecture.md.
// Each relative import is resolved against the importing file; the layer of the target must be
// in the importer's allow-list, and a module outside the target's folder must enter it through
// its index.ts. Pure path arithmetic: no resolver, no type information, so it stays fast.
import { dirname, relative, resolve, sep } from 'node:path';

/** Layer name → layers it may import (itself always allowed). Order mirrors the doc's list. */
export const LAYERS = {
  'shared': [],
  'pipeline': ['shared'],
  'protocol': ['shared', 'pipeline'],
  'executor': ['shared', 'pipeline', 'protocol'],
  'runner': ['shared', 'pipeline', 'protocol', 'executor'],
  'server/store': ['shared', 'pipeline'],
  'server/engine': ['shared', 'pipeline', 'protocol', 'server/store'],
  'server/git': ['shared', 'server/store'],
  'server/http': ['shared', 'pipeline', 'protocol', 'server/store', 'server/engine', 'server/git'],
  'cli': ['*'],
};
const NAMES = Object.keys(LAYERS).sort((a, b) => b.length - a.length);

function layerOf(srcRelative) {
  const p = srcRelative.split(sep).join('/');
  for (const name of NAMES) if (p === name || p.startsWith(name + '/')) return name;
  return null;
}

export default {
  rules: {
    layers: {
      meta: { type: 'problem', schema: [{ type: 'object', properties: { srcRoot: { type: 'string' } } }] },
      create(context) {
        const srcRoot = resolve(context.options[0]?.srcRoot ?? 'src');
        const file = context.filename;
        const fromRel = relative(srcRoot, file);
        if (fromRel.startsWith('..')) return {};
        const fromLayer = layerOf(fromRel);
        if (!fromLayer) return {};
        function check(node, source) {
          if (typeof source !== 'string' || !source.startsWith('.')) return;
          const target = resolve(dirname(file), source);
          const toRel = relative(srcRoot, target);
          if (toRel.startsWith('..')) return;
          const toLayer = layerOf(toRel);
          if (!toLayer || toLayer === fromLayer) return;
          const allowed = LAYERS[fromLayer];
          if (!allowed.includes('*') && !allowed.includes(toLayer)) {
            context.report({ node, message: `layer '${fromLayer}' must not import '${toLayer}' (see docs/architecture.md)` });
            return;
          }
          const inside = relative(resolve(srcRoot, toLayer), target).split(sep).join('/');
          if (inside !== 'index.js' && inside !== 'index.ts' && inside !== 'index') {
            context.report({ node, message: `import '${toLayer}' through its index.ts, not '${source}'` });
          }
        }
        return {
          ImportDeclaration(node) { check(node, node.source.value); },
          ExportNamedDeclaration(node) { if (node.source) check(node, node.source.value); },
          ExportAllDeclaration(node) { check(node, node.source.value); },
          ImportExpression(node) { if (node.source.type === 'Literal') check(node, node.source.value); },
        };
      },
    },
  },
};
