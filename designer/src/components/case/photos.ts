/**
 * A case's photos as object URLs. GET /api/cases/{id}/attachments/{attachmentId} needs the bearer
 * token, so an <img src> cannot load them: each is fetched as a blob and shown from an object URL,
 * all freed on unmount (or by `revoke()`). `urls[id]`: its URL, null when it failed, absent while
 * it loads. Call it in a component's setup.
 */
import { onBeforeUnmount, ref } from 'vue';
import { attachmentUrl } from '../../api/inbox';

export function usePhotoUrls() {
  const urls = ref<Record<string, string | null>>({});

  /** Fetches those of `attachments` not shown yet (one that failed is tried again). */
  async function load(caseId: string, attachments: readonly { id: string }[]): Promise<void> {
    await Promise.all(
      attachments
        .filter((a) => !urls.value[a.id])
        .map(async (a) => {
          let url: string | null = null;
          try {
            url = await attachmentUrl(caseId, a.id);
          } catch {
            /* shown as failed */
          }
          urls.value = { ...urls.value, [a.id]: url };
        }),
    );
  }

  function revoke(): void {
    for (const url of Object.values(urls.value)) if (url) URL.revokeObjectURL(url);
    urls.value = {};
  }

  onBeforeUnmount(revoke);
  return { urls, load, revoke };
}
