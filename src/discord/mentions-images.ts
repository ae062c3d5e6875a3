// Picks the image attachments of an @mention question, enforces the limits and downloads them.
import type { Attachment, Collection } from 'discord.js';
import { UserFacingError } from '../errors.ts';

export interface ImageLimits {
  maxImages: number;
  maxBytes: number;
  /** Per download (ms). */
  timeoutMs: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxImages: 4,
  maxBytes: 8 * 1024 * 1024,
  timeoutMs: 15_000,
};

export interface QuestionImage {
  data: Uint8Array;
  mimeType: string;
}

/** What Gemini accepts as an image input and the bot passes on. */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp']);

/** Images only; other files are ignored. Too many or too large → a UserFacingError that says so. */
export function imageAttachments(
  attachments: Collection<string, Attachment>,
  limits: ImageLimits,
): Attachment[] {
  const images = [...attachments.values()].filter((a) => IMAGE_TYPES.has(baseType(a.contentType)));
  if (images.length > limits.maxImages) {
    throw new UserFacingError(
      `I can look at up to ${limits.maxImages} images at a time; please send fewer.`,
      'MENTION_TOO_MANY_IMAGES',
    );
  }
  const tooBig = images.find((a) => a.size > limits.maxBytes);
  if (tooBig) {
    throw new UserFacingError(
      `${tooBig.name} is larger than ${Math.round(limits.maxBytes / (1024 * 1024))} MB; please send a smaller image.`,
      'MENTION_IMAGE_TOO_LARGE',
    );
  }
  return images;
}

/** Downloads each image from its attachment URL, re-checking the size on the bytes received. */
export async function downloadImages(
  images: readonly Attachment[],
  limits: ImageLimits,
  fetchImpl: typeof fetch,
): Promise<QuestionImage[]> {
  return Promise.all(
    images.map(async (attachment) => {
      let data: Uint8Array;
      try {
        const response = await fetchImpl(attachment.url, { signal: AbortSignal.timeout(limits.timeoutMs) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        data = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        throw new UserFacingError(
          `I could not download ${attachment.name}; please try again.`,
          'MENTION_IMAGE_FETCH_FAILED',
          {
            cause: error,
            retryable: true,
          },
        );
      }
      if (data.byteLength > limits.maxBytes) {
        throw new UserFacingError(
          `${attachment.name} is too large; please send a smaller image.`,
          'MENTION_IMAGE_TOO_LARGE',
        );
      }
      return { data, mimeType: baseType(attachment.contentType) };
    }),
  );
}

/** "image/png; charset=…" → "image/png". */
function baseType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
