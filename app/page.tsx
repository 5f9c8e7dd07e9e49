import Link from 'next/link';

export default function Home() {
  return (
    <main>
      <h1>Reflex</h1>
      <Link href="/sign-in">Sign in</Link>
    </main>
  );
}
