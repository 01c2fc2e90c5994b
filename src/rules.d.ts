// Rule files are bundled as text (esbuild's text loader; a jest transform in tests).
declare module '*.rules' {
  const text: string;
  export default text;
}
