/** The figures of kata 07's lesson. */
export const tensorFigures = (): Record<string, string> => ({});
