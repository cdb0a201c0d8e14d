/** The figures of kata 08's lesson. */
export const linearFigures = (): Record<string, string> => ({});
