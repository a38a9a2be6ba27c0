import { describe, expectTypeOf, it } from 'vitest'
import type { CallOutcome, MizanClient } from '../../src/client/index.ts'
import { download, upload } from '../../src/client/files.ts'
import type { UploadRouter } from './upload-server.ts'

declare const client: MizanClient<UploadRouter>
declare const file: File

describe('upload and download', () => {
  it('types the file fields from the input schema and the result from the handler', () => {
    expectTypeOf(upload(client, 'setAvatar', { file, caption: 'x' })).toEqualTypeOf<Promise<CallOutcome<{ name: string; type: string; size: number; sha256: string; caption: string }>>>()
    // @ts-expect-error the file field takes a File
    void upload(client, 'setAvatar', { file: 'not a file', caption: 'x' })
    expectTypeOf(download(client, 'report', { name: 'q' })).toEqualTypeOf<Promise<Blob>>()
  })
})
