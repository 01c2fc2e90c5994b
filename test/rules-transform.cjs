// jest: a .rules file is imported as its text, as esbuild's text loader does.
module.exports = {
  process(source) {
    return { code: `export default ${JSON.stringify(source)};` };
  },
};
