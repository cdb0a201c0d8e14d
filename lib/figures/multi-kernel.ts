/** The figures of kata 05's lesson. */
export const multiKernelFigures = (): Record<string, string> => ({});
