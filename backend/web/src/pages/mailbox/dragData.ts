/** The drag-and-drop payload of message rows: a JSON list of message ids. */
export const dragType = "application/x-kuvert-messages";

export function readDraggedIds(data: DataTransfer): string[] {
  try {
    const parsed: unknown = JSON.parse(data.getData(dragType));
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}
