import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRef, type PDFObject } from 'pdf-lib';

/**
 * The logical structure of a tagged PDF (ISO 32000 §14.7): the tree of structure elements a
 * producer writes beside the page content (a browser's "Print to PDF" writes its page's document
 * tree: articles, asides, headings, paragraphs, lists, links). Each element has a role; the text it
 * holds is marked on the pages with marked-content ids (MCIDs).
 */
export interface PdfStructure {
  /** Elements in document order (pre-order): a parent before its children. */
  elements: PdfStructElement[];
}

export interface PdfStructElement {
  /** Standard structure type or the producer's own (mapped through RoleMap when the file has one). */
  role: string;
  /** Index of the parent element; -1 for the top. */
  parent: number;
  /** What it holds, in order: elements (by index) and marked content on a page (0-based page index). */
  kids: PdfStructKid[];
}

export type PdfStructKid = { element: number } | { page: number; mcid: number };

/** Elements read from one file; a larger tree is not read (the layout alone is used). */
export const PDF_MAX_STRUCT_ELEMENTS = 200_000;
/** Nesting read; deeper elements are read as children of the last level. */
const MAX_STRUCT_DEPTH = 256;

/**
 * Reads the structure tree with pdf-lib (pdf.js gives it one page at a time, without what ties an
 * element on one page to the same element on the next). Null when the file has no structure tree,
 * when it is over the bounds, or when it cannot be read: the layout is read without it.
 */
export async function readStructure(bytes: Uint8Array): Promise<PdfStructure | null> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  } catch {
    return null;
  }
  try {
    return walkStructure(doc);
  } catch {
    return null;
  }
}

function walkStructure(doc: PDFDocument): PdfStructure | null {
  const context = doc.context;
  const resolve = (o: PDFObject | undefined): PDFObject | undefined => (o instanceof PDFRef ? context.lookup(o) : o);
  const root = resolve(doc.catalog.get(PDFName.of('StructTreeRoot')));
  if (!(root instanceof PDFDict)) return null;
  const pageIndex = new Map<string, number>(doc.getPages().map((p, i) => [p.ref.toString(), i]));
  const roleMap = resolve(root.get(PDFName.of('RoleMap')));
  const roleOf = (dict: PDFDict): string => {
    let role = nameOf(resolve(dict.get(PDFName.of('S')))) ?? '';
    // A producer's own type maps to a standard one, possibly through several steps.
    for (let hops = 0; roleMap instanceof PDFDict && hops < 8; hops++) {
      const mapped = nameOf(resolve(roleMap.get(PDFName.of(role))));
      if (!mapped || mapped === role) break;
      role = mapped;
    }
    return role;
  };
  const pageOf = (dict: PDFDict, inherited: number): number => {
    const pg = dict.get(PDFName.of('Pg'));
    return pg instanceof PDFRef ? (pageIndex.get(pg.toString()) ?? -1) : inherited;
  };

  const elements: PdfStructElement[] = [];
  const kidsOf = (parent: number) => (parent >= 0 ? elements[parent]!.kids : null);
  const seen = new Set<PDFObject>();
  // Depth first, kids pushed in reverse so that elements are numbered in document order.
  const stack: Array<{ kid: PDFObject | undefined; parent: number; page: number; depth: number }> = [];
  const pushKids = (k: PDFObject | undefined, parent: number, page: number, depth: number) => {
    const kids = resolve(k);
    const list = kids instanceof PDFArray ? kids.asArray() : kids === undefined ? [] : [kids];
    for (let i = list.length - 1; i >= 0; i--) stack.push({ kid: list[i], parent, page, depth });
  };
  pushKids(root.get(PDFName.of('K')), -1, -1, 0);
  while (stack.length > 0) {
    const { kid, parent, page, depth } = stack.pop()!;
    if (kid instanceof PDFNumber) {
      // A marked-content id on the page of the element that holds it.
      if (page >= 0) kidsOf(parent)?.push({ page, mcid: kid.asNumber() });
      continue;
    }
    if (kid instanceof PDFRef) {
      if (seen.has(kid)) continue;
      seen.add(kid);
    }
    const dict = resolve(kid);
    if (!(dict instanceof PDFDict)) continue;
    const type = nameOf(resolve(dict.get(PDFName.of('Type'))));
    if (type === 'MCR') {
      const mcid = resolve(dict.get(PDFName.of('MCID')));
      const at = pageOf(dict, page);
      if (mcid instanceof PDFNumber && at >= 0) kidsOf(parent)?.push({ page: at, mcid: mcid.asNumber() });
      continue;
    }
    if (type === 'OBJR') continue; // an annotation or XObject, not text
    if (elements.length >= PDF_MAX_STRUCT_ELEMENTS) return null;
    const index = elements.length;
    elements.push({ role: roleOf(dict), parent, kids: [] });
    kidsOf(parent)?.push({ element: index });
    const below = depth < MAX_STRUCT_DEPTH ? index : parent;
    pushKids(dict.get(PDFName.of('K')), below, pageOf(dict, page), depth + 1);
  }
  return elements.length > 0 ? { elements } : null;
}

function nameOf(o: PDFObject | undefined): string | null {
  return o instanceof PDFName ? o.decodeText() : null;
}
