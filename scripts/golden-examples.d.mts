export declare const GOLDEN_EXAMPLES: { name: string; yaml: string; launchers: string | undefined }[];
