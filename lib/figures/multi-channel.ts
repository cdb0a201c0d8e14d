/** The figures of kata 04's lesson. */
export const multiChannelFigures = (): Record<string, string> => ({});
