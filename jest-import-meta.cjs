// Nest 12 packages use import.meta (createRequire(import.meta.url), import.meta.resolve). Jest runs in
// CJS mode on Node 20, so those expressions are rewritten to their CommonJS equivalents.
// The stock babel plugin collides with Nest's local `const require = createRequire(...)`.
const { pathToFileURL } = require('node:url');
module.exports = ({ types: t }) => ({
  visitor: {
    MetaProperty(path, state) {
      if (path.node.meta.name !== 'import' || path.node.property.name !== 'meta') return;
      const p = path.parentPath;
      if (!p.isMemberExpression()) return;
      const prop = p.node.property;
      if (t.isIdentifier(prop, { name: 'url' })) p.replaceWith(t.stringLiteral(pathToFileURL(state.filename).href));
      else if (t.isIdentifier(prop, { name: 'resolve' }))
        p.replaceWith(t.memberExpression(t.identifier('require'), t.identifier('resolve')));
      else if (t.isIdentifier(prop, { name: 'dirname' })) p.replaceWith(t.identifier('__dirname'));
      else if (t.isIdentifier(prop, { name: 'filename' })) p.replaceWith(t.identifier('__filename'));
    },
  },
});
