// Public entry point of the AWS IAM simulator (README.md).
export { startAwsSim, type AwsSim, type AwsSimOptions, type AwsSimAccessKey } from "./server";
