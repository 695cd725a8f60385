import { FlexPlugin } from '@twilio/flex-plugin';
import { registerConference } from 'flex-conference';

const PLUGIN_NAME = 'ConferenceExamplePlugin';

export default class ConferenceExamplePlugin extends FlexPlugin {
  constructor() {
    super(PLUGIN_NAME);
  }

  /**
   * This code is run when your plugin is being started: the whole integration is this one call.
   *
   * @param flex { typeof import('@twilio/flex-ui') }
   * @param manager { import('@twilio/flex-ui').Manager }
   */
  async init(flex, manager) {
    const registration = await registerConference(flex, manager);
    // `mode` is "full", "xwt" or "disabled"; `error` says why a configured feature is off.
    if (registration.error) console.warn(`conference: ${registration.error}`);
  }
}
