import { Spinner } from '@/components/ui';

export default function OpsLoading() {
  return <Spinner label="Loading the console" />;
}
