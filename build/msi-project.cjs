// electron-builder hook (msiProjectCreated): adds the MSI public properties (SERVER, ORGCA, …)
// that write the managed configuration. The fragment and the insertion are generated and tested in
// build/managed/msi-properties.ts; this file only applies build/managed/sealwire-msi.wxs.
const fs = require('node:fs');
const path = require('node:path');

const GROUP = 'SealwireManagedConfiguration';

module.exports = async function msiProjectCreated(projectFile) {
  const fragment = fs.readFileSync(path.join(__dirname, 'managed', 'sealwire-msi.wxs'), 'utf8');
  const wxs = fs.readFileSync(projectFile, 'utf8');
  if (wxs.includes(`Id="${GROUP}"`)) return;
  const feature = /<Feature\b[^>]*>/.exec(wxs);
  const end = wxs.lastIndexOf('</Wix>');
  if (feature === null || end === -1) throw new Error('not an MSI project: no <Feature> or </Wix>');
  const at = feature.index + feature[0].length;
  const withRef = `${wxs.slice(0, at)}\n      <ComponentGroupRef Id="${GROUP}" />${wxs.slice(at)}`;
  const close = withRef.lastIndexOf('</Wix>');
  fs.writeFileSync(projectFile, `${withRef.slice(0, close)}${fragment}${withRef.slice(close)}`);
};
