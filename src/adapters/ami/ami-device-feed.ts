// The device watch's feed over the AMI client: DeviceStateList after each login, DeviceStateChange events.
// The client must receive the `call` class (DeviceStateChange belongs to it) for changes to arrive.

import type { DeviceStateFeed } from '../../app/device-watch.js';
import type { AmiClient } from './ami-client.js';
import type { AmiEvent } from './ami-events.js';

export function amiDeviceFeed(client: AmiClient): DeviceStateFeed {
  return {
    get connected() {
      return client.connected;
    },
    listDeviceStates: () => client.deviceStateList(),
    onConnected(listener) {
      client.on('connected', listener);
      return () => client.off('connected', listener);
    },
    onDeviceStateChange(listener) {
      const onEvent = (event: AmiEvent): void => {
        if (event.kind === 'DeviceStateChange') listener(event.device, event.state);
      };
      client.on('event', onEvent);
      return () => client.off('event', onEvent);
    },
  };
}
