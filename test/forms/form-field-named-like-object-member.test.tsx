// @vitest-environment jsdom
/**
 * Regression: a form field named like an Object member (`constructor`) read the inherited
 * member from the hook's state maps: it counted as touched before it was touched, so its error
 * showed at once, and its value was the Object function instead of nothing.
 */
import { QueryClient } from '@tanstack/react-query'
import { act, cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import { forms } from '../../src/client/react/forms.ts'
import { createRouter, defineClient, defineForm } from '../../src/server/index.ts'
import { BASE_URL, createTestServer } from '../client/test-server.ts'

afterEach(cleanup)

const Schema = z.object({ constructor: z.string().min(2), name: z.string().min(2) })
const router = createRouter({
  currentUser: defineClient({ context: 'global' }, () => null),
  profile: defineForm({ schema: Schema, onSubmit: (values) => ({ saved: values.constructor }) }),
})
const mizan = createMizanReact<typeof router>({ use: [forms] })
type ProfileForm = ReturnType<typeof mizan.useProfileForm>

describe('a form field named constructor', () => {
  it('is untouched, empty and silent until the user touches it', async () => {
    let form!: ProfileForm
    function View() {
      form = mizan.useProfileForm({ schema: Schema, validateOn: 'blur' })
      return <p>{form.fields.length ? 'ready' : 'loading'}</p>
    }
    const server = createTestServer({ csrf: false }, router)
    render(
      <mizan.MizanContext baseUrl={BASE_URL} queryClient={new QueryClient()} client={{ fetch: server.fetch, csrf: false }} fallback={<p>loading global</p>}>
        <View />
      </mizan.MizanContext>,
    )
    await screen.findByText('ready')
    expect(form.field('constructor')).toMatchObject({ value: undefined, touched: false, errors: [] })
    expect(form.errors).toEqual({})

    act(() => form.touch('constructor'))
    expect(form.field('constructor').touched).toBe(true)
    // What Zod says of a missing `constructor` is its own business; that the error now shows is ours.
    expect(form.field('constructor').errors.map((e) => e.source)).toContain('client')

    act(() => form.setValue('constructor', 'Ada'))
    expect(form.field('constructor').value).toBe('Ada')
    expect(form.field('constructor').errors).toEqual([])
    expect(Object.hasOwn(form.errors, 'constructor')).toBe(false)
  })
})
