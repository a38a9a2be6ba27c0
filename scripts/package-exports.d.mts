export declare const SOURCE_CONDITION: 'mizan-source'
export declare function targetFor(source: string): Record<string, string>
export declare function sourceOf(target: unknown): string | undefined
export declare function exportProblems(manifest: { exports?: Record<string, unknown> }): { name: string; message: string }[]
export declare function publishedManifest<T extends object>(manifest: T): T
export declare function builtPath(source: string): string
