// Must be imported before anything from @fluentui: with an empty base URL Fluent registers no
// web fonts from Microsoft's CDN (the CSP allows fonts only from this site; system fonts serve).
(window as unknown as { FabricConfig: { fontBaseUrl: string } }).FabricConfig = { fontBaseUrl: "" };
export {};
