import { useEffect, useRef, useState } from 'react'
import { mizan } from './mizan.ts'

/**
 * Counts how often this card's `user` bundle was refetched after it first loaded, to make the difference
 * between a scoped refetch (`updateProfile`) and a merge (`renameUser`) visible on the page.
 */
function useFetchCount(userId: number): { count: number; fetching: boolean } {
  const { isFetching } = mizan.useUserContext({ user_id: userId })
  const [count, setCount] = useState(0)
  const was = useRef(false)
  useEffect(() => {
    if (isFetching && !was.current) setCount((n) => n + 1)
    was.current = isFetching
  }, [isFetching])
  return { count, fetching: isFetching }
}

/** Rendered inside `<mizan.UserContext params={{ user_id }}>`: member hooks read that bundle. */
export function UserCard({ userId }: { userId: number }) {
  const profile = mizan.useUserProfile()
  const posts = mizan.useUserPosts()
  const inbox = mizan.useUserInbox()
  const { count, fetching } = useFetchCount(userId)
  return (
    <article className="card" data-testid={`user-card-${userId}`}>
      <header>
        <div className="avatar" aria-hidden>
          {profile.name.slice(0, 1)}
        </div>
        <div>
          <h2 data-testid={`user-name-${userId}`}>{profile.name}</h2>
          <p className="muted">
            #{profile.user_id} · {profile.role}
          </p>
        </div>
      </header>
      <h3>Recent posts</h3>
      <ul data-testid={`user-posts-${userId}`}>
        {posts.map((post) => (
          <li key={post.id}>{post.title}</li>
        ))}
      </ul>
      <p className="muted" data-testid={`user-messages-${userId}`}>
        {inbox.count === 1 ? '1 message' : `${inbox.count} messages`}
        {inbox.latest_from ? `, latest from ${inbox.latest_from}` : ''}
      </p>
      <footer className="muted" data-testid={`user-fetches-${userId}`}>
        <code>ctx/user/?user_id={userId}</code> refetched {count}× since first load{fetching ? ' · refreshing…' : ''}
      </footer>
    </article>
  )
}
